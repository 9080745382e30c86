"""Docs parity: every command has --help with an Example: and appears in the README."""
from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from trendminer.cli import cli


def _commands(group: click.Group, prefix: str = ""):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}"


@pytest.mark.parametrize("command", sorted(_commands(cli)))
def test_docs_every_command_has_help_with_example_and_is_in_readme(command):
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
    assert f"trendminer {command}" in (ROOT / "README.md").read_text()


def test_docs_quickstart_has_exactly_two_commands():
    readme = (ROOT / "README.md").read_text()
    section = re.split(r"^##? .*Quickstart.*$", readme, flags=re.M)[1]
    block = re.search(r"```\w*\n(.*?)```", section, re.S).group(1)
    lines = [l for l in block.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert lines == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
