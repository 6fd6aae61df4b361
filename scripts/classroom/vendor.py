"""Local copies of the JavaScript the exported slides and handouts load (nothing from a CDN).

The project commits no third-party JavaScript. At build time `fetch` takes pinned versions from
the npm registry with `npm pack` (tarballs only, no dependency tree) into the git-ignored
`build/classroom/npm/`, checks each tarball against its pinned sha512, and unpacks it there.
`install_lib(dest)` then copies the files a page needs into `dest/lib/`, so `build/slides/` and
`build/html/` each work from a plain folder, a USB stick or `file://`, without a network.

Once the tarballs are there (or in npm's cache) no network is needed again.
"""

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

# name: (version, npm "integrity" of the tarball). The versions fit nbconvert 7's templates:
# reveal.js 4 (dist/ and plugin/notes layout), MathJax 2 (the templates call MathJax.Hub),
# html-manager 1.x (ipywidgets 8 widget state).
PACKAGES = {
    "reveal.js": ("4.6.1", "sha512-1CW0auaXNPmwmvQ7TwpszwVxMi2Xr5cTS3J3EBC/HHgbPF32Dn7aiu/"
                           "LKWDOGjMbaDwKQiGmfqcoGQ74HUHCMw=="),
    "requirejs": ("2.3.7", "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/"
                           "VA8OaUhBa0JPVHJ0pyBkM1z+pDsw=="),
    "jquery": ("3.7.1", "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTR"
                        "ysYUdADVD7CkUUizgkpLfg=="),
    "mathjax": ("2.7.9", "sha512-NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+C"
                         "CVl5p9G2IHcAl/wJa+5+BQ=="),
    "@jupyter-widgets/html-manager": (
        "1.0.15", "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//"
                  "SABeNz1yp47bCrJ3CQA=="),
}

# What each page loads, relative to the exported HTML file.
URLS = {
    "reveal_url_prefix": "lib/reveal.js",
    "require_js_url": "lib/require.js",
    "jquery_url": "lib/jquery.min.js",
    # MathJax 2 with the configuration nbconvert's default CDN URL asks for.
    "mathjax_url": "lib/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "widget_renderer_url": "lib/html-manager/dist/embed-amd.js",
}

# Files copied from each unpacked package ("package/" inside the tarball) into lib/<target>.
# MathJax is trimmed to the TeX input and CommonHTML output the configuration above uses.
COPY = {
    "reveal.js": ("reveal.js", ["LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/reset.css",
                                "dist/theme/white.css", "dist/theme/fonts/source-sans-pro",
                                "plugin/notes/notes.js"]),
    "requirejs": ("", ["require.js"]),
    "jquery": ("", ["dist/jquery.min.js"]),
    "mathjax": ("mathjax", ["LICENSE", "MathJax.js", "config/TeX-AMS_CHTML-full.js",
                            "config/Safe.js", "extensions", "jax/element", "jax/input/TeX",
                            "jax/output/CommonHTML", "jax/output/PreviewHTML",
                            "fonts/HTML-CSS/TeX/woff", "localization/en"]),
    "@jupyter-widgets/html-manager": ("html-manager", ["dist/embed-amd.js",
                                                       "dist/embed.js.LICENSE.txt"]),
}


class VendorError(RuntimeError):
    """A package could not be fetched or did not match its pinned checksum."""


def _tarball_name(name, version):
    # npm pack names "@scope/pkg" as "scope-pkg-<version>.tgz".
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def _integrity(path):
    digest = hashlib.sha512(Path(path).read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def _npm_pack(spec, folder):
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError(
            "`make slides` and `make html` need npm (Node.js) once, to fetch reveal.js, "
            "require.js, jQuery, MathJax 2 and the widget renderer from the npm registry; "
            f"install Node.js, or put {spec}'s tarball from `npm pack` into {folder}")
    done = subprocess.run([npm, "pack", spec, "--prefer-offline", "--pack-destination",
                           str(folder), "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        raise VendorError(f"npm pack {spec} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)[0]["filename"]


def fetch(cache_dir):
    """Make sure every pinned package is unpacked in cache_dir/<tarball stem>/package.

    Returns {name: unpacked package folder}. Raises VendorError (npm missing, no network and
    nothing cached, checksum mismatch).
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    folders = {}
    for name, (version, integrity) in PACKAGES.items():
        tarball = cache_dir / _tarball_name(name, version)
        if not tarball.exists() or _integrity(tarball) != integrity:
            tarball = cache_dir / _npm_pack(f"{name}@{version}", cache_dir)
        if _integrity(tarball) != integrity:
            raise VendorError(f"{tarball} does not match the pinned checksum of {name}@"
                              f"{version}; delete it and try again")
        unpacked = cache_dir / tarball.name[: -len(".tgz")]
        if not (unpacked / "package" / "package.json").exists():
            shutil.rmtree(unpacked, ignore_errors=True)
            with tarfile.open(tarball) as archive:
                # The "data" filter refuses links and paths that leave the folder.
                archive.extractall(unpacked, filter="data")
        folders[name] = unpacked / "package"
    return folders


def install_lib(folders, dest):
    """Copy the needed files of the unpacked packages into dest/lib/; returns that folder."""
    lib = Path(dest) / "lib"
    for name, (target, files) in COPY.items():
        for relative in files:
            source = folders[name] / relative
            # jquery.min.js and require.js go straight into lib/; the rest keep their layout.
            into = lib / target / (relative if target else Path(relative).name)
            into.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, into, dirs_exist_ok=True)
            else:
                shutil.copy2(source, into)
    return lib


def lib_files(url):
    """The file a URL of URLS points to, relative to the exported page (query dropped)."""
    return url.split("?", 1)[0]
