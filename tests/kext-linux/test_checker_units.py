"""The checker's parts on inputs written here, with expectations worked out by hand."""
import plistlib
import shutil

import pytest

from conftest import run
from kextcheck import family_exports, libraries, releases, relocations, symbols, versions, xnu_exports
from kextcheck.exportset import ExportSet
from kextcheck.macho import Relocation


@pytest.mark.parametrize("older,newer", [
    ("1.0.0d1", "1.0.0a1"), ("1.0.0a1", "1.0.0b1"), ("1.0.0b1", "1.0.0fc1"), ("1.0.0fc1", "1.0.0"),
    ("8.0.0d0", "8.0.0b1"), ("7.0", "8.0.0d0"), ("19.0.0", "19.0.1"), ("1.9", "1.10"), ("2.9", "576.1"),
])
def test_version_order(older, newer):
    assert versions.parse(older) < versions.parse(newer)


def test_missing_components_are_zero():
    assert versions.parse("19") == versions.parse("19.0") == versions.parse("19.0.0")


@pytest.mark.parametrize("bad", ["", "1.2.3.4", "x1", "1.100", "12345", "1.0b", "1.0.0e1", "1.0.0b1000"])
def test_malformed_versions_are_refused(bad):
    with pytest.raises(ValueError):
        versions.parse(bad)


def test_in_range_bounds():
    assert versions.in_range("7.0", "7.0", "19.0.0")
    assert versions.in_range("19.0.0", "7.0", "19.0.0")
    assert not versions.in_range("6.9", "7.0", "19.0.0")
    assert not versions.in_range("19.0.1", "7.0", "19.0.0")


def reloc(type_, pcrel, length):
    return Relocation(0, type_, pcrel, length, True)


def test_relocations_kxld_applies_pass():
    # x86_64 types: 0 UNSIGNED, 1 SIGNED, 2 BRANCH, 3 GOT_LOAD, 4 GOT, 5 SUBTRACTOR, 6-8 SIGNED_1/2/4
    ok = [reloc(0, False, 3), reloc(2, True, 2), reloc(1, True, 2), reloc(3, True, 2), reloc(4, True, 2),
          reloc(5, False, 2), reloc(5, False, 3), reloc(8, True, 2)]
    assert relocations.problems(ok) == []
    assert relocations.summary(ok[:3] + [reloc(0, False, 3)]) == \
        "2 UNSIGNED/64bit, 1 BRANCH/pcrel/32bit, 1 SIGNED/pcrel/32bit"


def test_relocations_kxld_refuses_fail():
    bad = [reloc(0, False, 2), reloc(0, False, 2), reloc(9, True, 2), reloc(2, True, 3), reloc(2, False, 2)]
    assert relocations.problems(bad + [reloc(0, False, 3)]) == [
        "1 relocation(s) BRANCH/32bit: kxld cannot apply them",
        "1 relocation(s) BRANCH/pcrel/64bit: kxld cannot apply them",
        "1 relocation(s) TLV/pcrel/32bit: kxld cannot apply them",
        "2 relocation(s) UNSIGNED/32bit: kxld cannot apply them"]


def write_xnu(root):
    config = root / "config"
    plugin = config / "System.kext" / "PlugIns" / "Widget.kext"
    plugin.mkdir(parents=True)
    plistlib.dump({"CFBundleIdentifier": "com.apple.kpi.widget", "CFBundleVersion": "###KERNEL_VERSION_LONG###",
                   "OSBundleCompatibleVersion": "8.0.0b1"}, (plugin / "Info.plist").open("wb"))
    (config / "Widget.exports").write_text("# header\n_widget_open\n\n_widget_lock:_lck_mtx_lock\n")
    (config / "Widget.x86_64.exports").write_text("_widget_x86")  # no final newline, as xnu-8019.41.5 Libkern.exports
    (config / "Widget.x86_64.MacOSX.exports").write_text("_widget_x86_mac\n")
    (config / "Widget.arm64.exports").write_text("_widget_arm\n")
    (config / "Widget.arm64.MacOSX.exports").write_text("_widget_arm_mac\n")
    # A plug-in without an export list (like Kasan) is no symbol set.
    (config / "System.kext" / "PlugIns" / "Empty.kext").mkdir()
    return root


def test_xnu_export_set_from_config(tmp_path):
    sets = xnu_exports.load_kpi_sets(write_xnu(tmp_path), "19.4.0")
    assert list(sets) == ["com.apple.kpi.widget"]
    widget = sets["com.apple.kpi.widget"]
    assert (widget.version, widget.compatible) == ("19.4.0", "8.0.0b1")
    assert widget.symbols == {"_widget_open", "_widget_lock", "_widget_x86", "_widget_x86_mac"}


def widget_sets():
    return {"com.apple.kpi.iokit": ExportSet("com.apple.kpi.iokit", "19.0.0", "7.0", "test", {"_IOLog"}),
            "com.apple.kpi.unsupported": ExportSet("com.apple.kpi.unsupported", "19.0.0", "8.0.0b1", "test",
                                                   {"_kalloc"}),
            "com.apple.kpi.private": ExportSet("com.apple.kpi.private", "19.0.0", "8.0.0b1", "test", set(),
                                               restricted="Apple only")}


def test_library_rules():
    sets = widget_sets()
    assert libraries.problems({"com.apple.kpi.iokit": "19.0"}, sets) == []
    assert libraries.problems({}, sets) == ["Info.plist has no OSBundleLibraries: nothing for the kernel to link against"]
    found = libraries.problems({"com.apple.kernel.iokit": "7.0", "com.example.nothing": "1.0",
                                "com.apple.kpi.private": "19.0", "com.apple.kpi.iokit": "1.0x"}, sets)
    assert found == [
        "com.apple.kernel.iokit: 64-bit kexts may only depend on com.apple.kpi.* (the kernel refuses com.apple.kernel.iokit)",
        "com.apple.kpi.iokit: not a kext version: '1.0x'",
        "com.apple.kpi.private: Apple only",
        "com.example.nothing: no export set known for it, so its symbols cannot be checked"]
    assert libraries.problems({"com.example.nothing": "1.0"}, {})[0].startswith("no com.apple.kpi.* library")


def test_symbols_resolve_only_against_named_libraries():
    res = symbols.resolve({"_IOLog", "_kalloc", "___udivti3", "_nowhere"}, {"com.apple.kpi.iokit": "19.0"},
                          widget_sets())
    assert res.provider == {"_IOLog": "com.apple.kpi.iokit"}
    assert dict(res.unresolved) == {
        "___udivti3": "compiler helper (128-bit integer / floating point) that only Xcode's libcc_kext provides",
        "_kalloc": "exported by com.apple.kpi.unsupported, which OSBundleLibraries does not name",
        "_nowhere": "not exported by any KPI or family the check knows"}


@pytest.mark.parametrize("name", ["___udivti3", "___divti3", "___umodti3", "___modti3", "___muloti4",
                                  "___floatuntidf", "___fixdfti", "___muldc3", "___divsc3", "___powidf2",
                                  "___extendhfsf2", "___ashlti3"])
def test_compiler_helpers_are_recognised(name):
    assert symbols.is_compiler_helper(name)


@pytest.mark.parametrize("name", ["___cxa_pure_virtual", "___stack_chk_fail", "___stack_chk_guard", "_IOLog",
                                  "___bzero", "_memcpy", "__ZN9IOService5startEPS_"])
def test_kernel_symbols_are_not_taken_for_helpers(name):
    assert not symbols.is_compiler_helper(name)


WIDGET_H = """
class Base { public: virtual ~Base(); virtual int kind() const; };
class Widget : public Base {
public:
    Widget();
    ~Widget() override;
    int kind() const override;
    virtual void draw(int x, const char *label) = 0;
    void inlined() {}
    inline int alsoInlined();
    static int count;
    static void reset(unsigned long n);
    Widget(const Widget &) = delete;
    class Part { public: Part(); virtual void fit(); };
};
extern int widget_total;
extern "C" void widget_c_entry(void);
int helper_in_header(void);
"""

# Itanium C++ ABI names (Darwin adds one leading underscore), worked out by hand. Base lives in
# another header, so nothing of it belongs to the family.
WIDGET_EXPECTED = {
    "__ZN6WidgetC2Ev",                                          # Widget(): base ctor only (abstract)
    "__ZN6WidgetD0Ev", "__ZN6WidgetD1Ev", "__ZN6WidgetD2Ev",    # virtual dtor: deleting, complete, base
    "__ZNK6Widget4kindEv",                                      # const member, no arguments
    "__ZN6Widget5countE",                                       # static data member
    "__ZN6Widget5resetEm",                                      # unsigned long = m
    "__ZTV6Widget",                                             # vtable
    "__ZN6Widget4Part3fitEv", "__ZTVN6Widget4PartE",            # nested class method and vtable
    "__ZN6Widget4PartC1Ev", "__ZN6Widget4PartC2Ev",             # concrete class: both ctors
    "_widget_total", "_widget_c_entry", "__Z16helper_in_headerv",
}


def test_family_symbols_from_headers(tmp_path):
    sdk = tmp_path / "sdk"
    (sdk / "Headers" / "Fam").mkdir(parents=True)
    (sdk / "Headers" / "Other").mkdir()
    (sdk / "Headers" / "Other" / "Base.h").write_text(WIDGET_H.split("class Widget")[0])
    (sdk / "Headers" / "Fam" / "Widget.h").write_text(
        '#include <Other/Base.h>\n' + "class Widget" + WIDGET_H.split("class Widget", 1)[1])
    families = {"com.example.fam": {"dir": "Fam/", "headers": ["Widget.h"]}}
    ast = family_exports.dump_ast(sdk, shutil.which("clang++") or "clang++",
                                  ["-target", "x86_64-apple-macos10.15"], families)
    assert family_exports.symbols_from_ast(ast, "/Headers/Fam/") == WIDGET_EXPECTED


def fake_release(root, iographics_version):
    """A release whose IOGraphics Info plist holds iographics_version; IOPCIFamily's holds 2.9."""
    for project, name, version in (("IOGraphics", "Info-IOGraphicsFamily.plist", iographics_version),
                                   ("IOPCIFamily", "Info-IOPCIFamily.plist", "2.9")):
        (root / project).mkdir(parents=True)
        plistlib.dump({"CFBundleVersion": version, "OSBundleCompatibleVersion": "1.0.0b1"},
                      (root / project / name).open("wb"))
    return releases.Release("14.0", "23.0.0", "xnu-10002.1.13", str(root / "xnu"), "IOGraphics-597",
                            str(root / "IOGraphics"), "IOPCIFamily-617.1.1", str(root / "IOPCIFamily"))


@pytest.mark.parametrize("written,expected", [("558.3", "558.3"), ("$(CURRENT_PROJECT_VERSION)", "597")])
def test_family_version_from_the_plist_or_the_tag(tmp_path, written, expected):
    release = fake_release(tmp_path, written)
    graphics, pci = family_exports.FAMILIES.values()
    assert family_exports.versions(release, graphics) == (expected, "1.0.0b1")
    assert family_exports.versions(release, pci) == ("2.9", "1.0.0b1")


def test_release_sets_add_the_closed_source_declarations(tmp_path):
    release = fake_release(tmp_path, "597")
    closed = {"com.apple.iokit.IOGraphicsFamily": {"_closed"}, "com.apple.iokit.IOPCIFamily": set()}
    published = {"com.apple.iokit.IOGraphicsFamily": {"_open"}, "com.apple.iokit.IOPCIFamily": {"_pci"}}
    sets = family_exports.load_release_sets(release, closed, published)
    assert sets["com.apple.iokit.IOGraphicsFamily"].symbols == {"_open", "_closed"}
    assert sets["com.apple.iokit.IOPCIFamily"].symbols == {"_pci"}
    assert sets["com.apple.iokit.IOGraphicsFamily"].version == "597"


def test_release_table(tmp_path):
    table = tmp_path / "releases.tsv"
    table.write_text("10.15\t19.0.0\txnu-6153.11.26\t/x\tIOGraphics-558.3.1\t/g\tIOPCIFamily-370.0.2\t/p\n\n")
    release, = releases.read(table)
    assert release.name == "macOS 10.15 (xnu-6153.11.26)" and release.iopcifamily_dir == "/p"
    table.write_text("10.15\t19.0.0\txnu-6153.11.26\n")
    with pytest.raises(ValueError, match="want 8 tab-separated fields, found 3"):
        releases.read(table)
    table.write_text("\n")
    with pytest.raises(ValueError, match="lists no release"):
        releases.read(table)


def test_symbol_cache_keys_on_header_contents(tmp_path):
    headers = tmp_path / "headers"
    headers.mkdir()
    (headers / "A.h").write_text("void a();\n")
    cache = family_exports.SymbolCache(str(tmp_path / "cache"), "/sdk", "clang++", ["-target", "x"])
    calls = []

    def compute():
        calls.append(1)
        return {"fam": {f"_n{len(calls)}"}}
    assert cache.get([str(headers)], compute) == {"fam": {"_n1"}}
    assert cache.get([str(headers)], compute) == {"fam": {"_n1"}} and len(calls) == 1
    (headers / "A.h").write_text("void a(int);\n")
    assert cache.get([str(headers)], compute) == {"fam": {"_n2"}}
    other_flags = family_exports.SymbolCache(str(tmp_path / "cache"), "/sdk", "clang++", ["-target", "y"])
    assert other_flags.get([str(headers)], compute) == {"fam": {"_n3"}}


def test_kext_check_reports_a_bundle_without_plist(tmp_path):
    (tmp_path / "x.kext").mkdir()
    result = run(["tools/kext-build/kext-check", tmp_path / "x.kext", "--sdk", tmp_path, "--releases", tmp_path / "none.tsv"])
    assert result.returncode == 2
    assert "cannot read" in result.stderr and "Info.plist" in result.stderr
