"""The macOS releases the check runs against, as kext-toolchain's `releases` table lists them."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Release:
    label: str            # macOS version, e.g. 13.0
    kernel_version: str   # Darwin version = the KPI bundles' CFBundleVersion, e.g. 22.1.0
    xnu_tag: str
    xnu_dir: str          # holds config/ at xnu_tag
    iographics_tag: str
    iographics_dir: str   # the IOGraphics sources at iographics_tag (headers and Info plist)
    iopcifamily_tag: str
    iopcifamily_dir: str

    @property
    def name(self):
        """How a report names the release: macOS 13.0 (xnu-8792.41.9)."""
        return f"macOS {self.label} ({self.xnu_tag})"


def read(path):
    """Releases in the table's order (oldest first): one a line, 8 tab-separated fields."""
    releases = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 8:
                raise ValueError(f"{path}:{number}: want 8 tab-separated fields, found {len(fields)}")
            releases.append(Release(*fields))
    if not releases:
        raise ValueError(f"{path} lists no release")
    return releases
