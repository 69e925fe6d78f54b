"""Regenerate docs/pass-artifact.png and docs/story-artifact.png: one pass over the seed
story served on 127.0.0.1, a real Prefect server, and headless Chromium on its dashboard.

Usage: .venv/bin/python scripts/screenshots.py [--out docs]   (needs /usr/bin/chromium)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import SEEDS, write_feeds  # noqa: E402
from tests.localsite import LocalSite, closed_port, seed_articles  # noqa: E402

CHROMIUM = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run")
QUIET = ("--disable-background-networking", "--disable-component-update", "--disable-sync")


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"screenshots: {url} did not answer in {seconds:.0f} s")


def shoot(browser: str, url: str, out: Path, profile: Path, size: str) -> None:
    subprocess.run(
        [browser, *CHROMIUM, *QUIET, f"--user-data-dir={profile}", f"--window-size={size}"]
        + ["--virtual-time-budget=20000", "--hide-scrollbars", f"--screenshot={out}", url],
        check=True,
        capture_output=True,
        timeout=120,
    )
    print(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("screenshots: no chromium (apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, LocalSite(seed_articles(SEEDS)) as site:
        work = Path(tmp)
        port = closed_port()
        api = f"http://127.0.0.1:{port}/api"
        env = {**os.environ, "PREFECT_HOME": str(work / "prefect"), "PREFECT_API_URL": api}
        env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{api}/health")
            config = write_feeds(work / "config", [{"name": "seeds", "url": site.url("/rss.xml")}])
            db = f"sqlite:///{work / 'claimwatch.db'}"
            subprocess.run(
                [sys.executable, "-m", "claimwatch.cli", "run", "--config", str(config)]
                + ["--db", db],
                env=env,
                check=True,
                capture_output=True,
                cwd=work,
            )
            base = f"http://127.0.0.1:{port}"
            for key, name, size in (
                ("claimwatch-pass", "pass-artifact.png", "1280,1500"),
                ("story-nk-troops", "story-artifact.png", "1280,1300"),
            ):
                found = httpx.post(
                    f"{api}/artifacts/latest/filter", json={"artifacts": {"key": {"any_": [key]}}}
                ).json()
                artifact = found[0]["latest_id"]
                url = f"{base}/artifacts/artifact/{artifact}"
                shoot(browser, url, args.out / name, work / "chromium", size)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
