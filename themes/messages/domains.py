"""A sub-platform's custom domain, set by head office."""

MESSAGES: dict[str, tuple[str, str]] = {
    "domain.title": ("自定义域名", "Custom domain"),
    "domain.explain": (
        "分平台的子域名始终可用；自定义域名是运营机构自有的另一个访问地址，其 DNS 须指向本平台。"
        "设置或移除后立即生效。",
        "The sub-domain always works; a custom domain is a second address the operator owns, "
        "its DNS pointing at us. A change takes effect at once.",
    ),
    "domain.current": ("当前自定义域名", "Current custom domain"),
    "domain.none": ("未设置", "None"),
    "domain.new": ("新的自定义域名", "New custom domain"),
    "domain.set": ("设置", "Set"),
    "domain.remove": ("移除自定义域名", "Remove the custom domain"),
    "domain.back": ("返回分平台监督页", "Back to the sub-platform"),
}
