"""The README's production steps are the ones CI runs (.ci/production-smoke), so they are proven."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMOKE = (ROOT / ".ci" / "production-smoke").read_text()
# What the smoke script writes in place of the README's values.
SMOKE_VALUES = {
    "127.0.0.1:8001": "127.0.0.1:$PORT",
    "DATABASE_URL=postgres://idmaj_owner:...@127.0.0.1/idmaj ": "DATABASE_URL=$OWNER_DATABASE_URL ",
}


def readme_production_block(language: str = "sh") -> list[str]:
    section = (ROOT / "README.md").read_text().split("## Production deployment", 1)[1].split("\n## ", 1)[0]
    block = section.split(f"```{language}\n", 1)[1].split("```", 1)[0]
    return block.replace("\\\n", " ").splitlines()


def test_the_smoke_script_runs_every_production_command_of_the_readme_as_written():
    commands = [line.split("  #")[0].strip() for line in readme_production_block() if not line.startswith("export")]
    assert any("gunicorn" in command for command in commands)
    script_lines = [line.strip() for line in SMOKE.splitlines()]
    for command in commands:
        expected = command
        for readme_value, smoke_value in SMOKE_VALUES.items():
            expected = expected.replace(readme_value, smoke_value)
        assert any(line.startswith(expected + " ") for line in script_lines), f"{command!r} is not in the smoke script"


def test_the_smoke_script_sets_every_variable_the_readme_exports():
    exported = re.findall(r"\b([A-Z][A-Z0-9_]+)=", " ".join(readme_production_block()))
    assert "DJANGO_TRUSTED_PROXY_COUNT" in exported
    for name in exported:
        assert re.search(rf"^(export )?{name}=", SMOKE, re.MULTILINE), f"the smoke script does not set {name}"


def test_only_migrate_runs_as_the_owner_and_everything_else_as_the_application_role():
    block = " ".join(readme_production_block())
    assert re.findall(r"DATABASE_URL=postgres://(\w+):", block) == ["idmaj_app", "idmaj_owner"]
    owner_commands = [line for line in readme_production_block() if "idmaj_owner" in line]
    assert owner_commands == [line for line in readme_production_block() if "manage.py migrate" in line]
    assert re.search(r'^export DATABASE_URL="postgres://\$APP@', SMOKE, re.MULTILINE)
    assert re.search(r'^OWNER_DATABASE_URL="postgres://\$OWNER@', SMOKE, re.MULTILINE)


def test_the_smoke_script_renames_every_database_and_role_of_the_readme_sql():
    # The script runs the README's SQL block itself; a name it does not rename would touch a real one.
    names = set(re.findall(r"\bidmaj\w*", "\n".join(readme_production_block("sql"))))
    assert names == {"idmaj", "idmaj_owner", "idmaj_app"}
    renames = re.search(r'sed -E "(.*)"', SMOKE)[1]
    assert names <= set(re.findall(r"s/\\b(\w+)\\b/", renames))
