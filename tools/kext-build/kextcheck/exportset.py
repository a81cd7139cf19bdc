"""What one library (a kernel KPI bundle or an IOKit family) exports, at which version."""
from dataclasses import dataclass, field


@dataclass
class ExportSet:
    bundle_id: str
    version: str      # the library's CFBundleVersion on the target macOS
    compatible: str   # its OSBundleCompatibleVersion: the oldest version a kext may ask for
    source: str       # where the symbol list came from, for the report
    symbols: set = field(default_factory=set)
    restricted: str = ""  # why a third-party kext may not link against it, if it may not
    from_headers: bool = False  # derived from SDK headers rather than an export list
