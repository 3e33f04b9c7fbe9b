"""A notebook written by `loss notebook -o X.ipynb`, executed by nbclient with the loss kernel
(the kernel named in the notebook's metadata), shows the same outputs."""
import copy
import glob
import os
import re
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import loss_bin

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = [os.path.join(HERE, "notebook.loss")] + sorted(glob.glob(os.path.join(ROOT, "Examples", "*.loss")))

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def normalise(outputs):
    """Outputs as comparable values: consecutive streams of one name merged (as front ends show
    them); error locations (file name and line numbers differ: the script's vs the cell's) and
    ANSI colours left out; each output's MIME types as a set."""
    out = []
    for o in outputs:
        t = o["output_type"]
        if t == "stream":
            if out and out[-1][0] == "stream" and out[-1][1] == o["name"]:
                out[-1] = ("stream", o["name"], out[-1][2] + o["text"])
            else:
                out.append(("stream", o["name"], o["text"]))
        elif t == "error":
            tb = []
            for line in o["traceback"]:
                line = ANSI.sub("", line)
                if line.lstrip().startswith("-->"):
                    continue
                tb.append(re.sub(r"^\s*\d*\s*\|", "|", line))
            out.append(("error", o["ename"], o["evalue"], tuple(tb)))
        else:
            data = o["data"]
            out.append((t, o.get("execution_count"), data.get("text/plain"), data.get("image/svg+xml"), frozenset(data)))
    return out


@pytest.mark.parametrize("script", SCRIPTS, ids=[os.path.basename(s) for s in SCRIPTS])
def test_notebook_outputs_match(script, tmp_path):
    path = tmp_path / (os.path.splitext(os.path.basename(script))[0] + ".ipynb")
    subprocess.run([loss_bin(), "notebook", script, "-o", str(path)], check=True, capture_output=True)
    written = nbformat.read(str(path), as_version=4)
    assert written.metadata.kernelspec.name == "loss"
    nb = copy.deepcopy(written)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    codes = [(a, b) for a, b in zip(written.cells, nb.cells) if a.cell_type == "code"]
    assert codes
    for before, after in codes:
        assert after.execution_count == before.execution_count, before.source
        want, got = normalise(before.outputs), normalise(after.outputs)
        assert len(got) == len(want), (before.source, want, got)
        for w, g in zip(want, got):
            if w[0] in ("execute_result", "display_data"):
                # the kernel may add text/html (matrices, records) to what the file holds
                assert g[:4] == w[:4], before.source
                assert w[4] <= g[4], before.source
            else:
                assert g == w, before.source
    nbformat.validate(nb)
