"""Sealed bids (投标文件加密): SM4-GCM (GB/T 32907-2016), a key of its own per bid.

A bid's file is encrypted with a fresh 16-byte key; that key and the price are sealed under the
platform's bid key, derived from the data key (``SUNSHINE_DATA_KEY``, never in the database).
The database and the bucket hold ciphertext only: whoever reads them, head office included,
reads nothing of a bid. The bid's tenant, section, supplier and random reference are bound in
as associated data, so a sealed value moved to another bid, supplier or section does not open.
Opening before the deadline is refused by the service (tenants.projects.opening); the platform
holds the key, so that is the service's rule, not the cryptography's: a bidder-held key (a CA
certificate, 电子招标投标办法) would make it the cryptography's. Not done here.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.crypto import DecryptionError
from core.settings import get_settings

NONCE, TAG = 12, 16


def _seal(key: bytes, plaintext: bytes, bound: str) -> bytes:
    nonce = os.urandom(NONCE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(bound.encode())
    return nonce + encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def _open(key: bytes, sealed: bytes, bound: str) -> bytes:
    nonce, body, tag = sealed[:NONCE], sealed[NONCE:-TAG], sealed[-TAG:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(bound.encode())
    try:
        return decryptor.update(body) + decryptor.finalize()
    except Exception as exc:  # InvalidTag: tampered, another bid's, or another key
        raise DecryptionError("the sealed value does not open") from exc


def _platform_key() -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=16, salt=None, info=b"sunshine bid sealing").derive(
        get_settings().data_key
    )


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes  # the file, for object storage
    sealed_key: str  # for the row
    sealed_price: str


def binding(tenant_id: int, lot_id: int, subject_id: int, ref: str) -> str:
    """What a bid's sealed values are bound to: whose bid it is, for which section."""
    return f"t{tenant_id}:lot{lot_id}:s{subject_id}:{ref}"


def seal_bid(bid_ref: str, data: bytes, price_fen: int) -> Sealed:
    """``bid_ref`` is the bid's :func:`binding`."""
    key = os.urandom(16)
    platform = _platform_key()
    return Sealed(
        ciphertext=_seal(key, data, f"file:{bid_ref}"),
        sealed_key=base64.b64encode(_seal(platform, key, f"key:{bid_ref}")).decode(),
        sealed_price=base64.b64encode(
            _seal(platform, str(price_fen).encode(), f"price:{bid_ref}")
        ).decode(),
    )


def seal_features(bid_ref: str, features: bytes) -> str:
    """What the collusion rules read of the bid's file (tenants.risk.documents), sealed like
    its price: its authors and text are the bid's content, unreadable before the opening."""
    return base64.b64encode(_seal(_platform_key(), features, f"features:{bid_ref}")).decode()


def open_features(bid_ref: str, sealed: str) -> bytes:
    """The sealed features of a bid that the opening decrypted."""
    return _open(_platform_key(), base64.b64decode(sealed), f"features:{bid_ref}")


def open_bid(
    bid_ref: str, ciphertext: bytes, sealed_key: str, sealed_price: str
) -> tuple[bytes, int]:
    """(the file, the price in fen) of a sealed bid: for the opening only."""
    platform = _platform_key()
    key = _open(platform, base64.b64decode(sealed_key), f"key:{bid_ref}")
    price = int(_open(platform, base64.b64decode(sealed_price), f"price:{bid_ref}"))
    return _open(key, ciphertext, f"file:{bid_ref}"), price
