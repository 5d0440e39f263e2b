"""Request-body markers for server-rendered forms, shared by every page module."""

from litestar.enums import RequestEncodingType
from litestar.params import Body

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
Multipart = Body(media_type=RequestEncodingType.MULTI_PART)
