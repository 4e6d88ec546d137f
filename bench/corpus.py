"""The benchmark corpus, shared by the scripts in bench/: generated once per
size and flavour on /dev/shm with bench/gen_corpus.py, and given
the repository's current theme (dossier's corpus has only content/)."""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(HERE, "gen_corpus.py")


def corpus(n, flavor="generic", search=False):
    """The corpus of `n` pages; with `search`, dossier's with `search: true`
    in its site.yaml (a copy beside the plain one)."""
    out = f"/dev/shm/dossier-bench-{flavor}-{n}"
    if not os.path.isdir(os.path.join(out, "content")):
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([sys.executable, GEN, "--flavor", flavor, "-n", str(n), "--out", out],
                       check=True, stdout=subprocess.DEVNULL)
    if flavor == "generic":
        shutil.rmtree(os.path.join(out, "themes"), ignore_errors=True)
        shutil.copytree(os.path.join(REPO, "themes"), os.path.join(out, "themes"))
    if search:
        plain, out = out, f"/dev/shm/dossier-bench-{flavor}-search-{n}"
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(plain, out)
        with open(os.path.join(out, "site.yaml"), "w") as f:
            f.write("search: true\n")
    return out
