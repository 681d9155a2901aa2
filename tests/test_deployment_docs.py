"""The README's production steps are the ones CI runs (.ci/production-smoke), so they are proven."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMOKE = (ROOT / ".ci" / "production-smoke").read_text()


def readme_production_block() -> list[str]:
    section = (ROOT / "README.md").read_text().split("## Production deployment", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return block.replace("\\\n", " ").splitlines()


def test_the_smoke_script_runs_every_production_command_of_the_readme_as_written():
    commands = [line.split("  #")[0].strip() for line in readme_production_block() if not line.startswith("export")]
    assert any("gunicorn" in command for command in commands)
    script_lines = [line.strip() for line in SMOKE.splitlines()]
    for command in commands:
        expected = command.replace("127.0.0.1:8001", "127.0.0.1:$PORT")
        assert any(line.startswith(expected + " ") for line in script_lines), f"{command!r} is not in the smoke script"


def test_the_smoke_script_sets_every_variable_the_readme_exports():
    exported = re.findall(r"\b([A-Z][A-Z0-9_]+)=", " ".join(readme_production_block()))
    assert "DJANGO_TRUSTED_PROXY_COUNT" in exported
    for name in exported:
        assert re.search(rf"^(export )?{name}=", SMOKE, re.MULTILINE), f"the smoke script does not set {name}"
