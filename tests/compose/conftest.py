"""The compose suite's engine, stand-in images and one running project, shared by its tests.

Where containers cannot run (no root to start an engine, no Docker Compose v2), every
compose test is skipped with one line saying why: never silently.
"""

from __future__ import annotations

import time

import pytest

from tests.compose.engine import CACHE_DIR, Unavailable, compose_command, engine
from tests.compose.images import Builder
from tests.compose.stack import ComposeStack, StaleEndpoint, remove_earlier_projects
from tests.support.ports import free_port


@pytest.fixture(scope="session")
def docker_engine():
    try:
        compose_command()
        with engine() as eng:
            yield eng
    except Unavailable as why:
        pytest.skip(f"compose tests skipped: {why}")


@pytest.fixture(scope="session")
def standin_images(docker_engine):
    start = time.monotonic()
    images = Builder(docker_engine.env, CACHE_DIR, log=lambda line: print(f"\n[compose] {line}")).build_all()
    print(f"\n[compose] stand-in images ready in {time.monotonic() - start:.1f} s: {', '.join(images.values())}")
    return images


@pytest.fixture(scope="session")
def compose_stack(docker_engine, standin_images, tmp_path_factory):
    for project in remove_earlier_projects(docker_engine.env):
        print(f"\n[compose] removed {project}, left running by an earlier run")
    stack = ComposeStack(docker_engine, tmp_path_factory.mktemp("compose"), free_port(), free_port(), free_port())
    try:
        seconds = stack.up()
        print(f"\n[compose] {stack.project}: up --build --wait in {seconds:.1f} s")
        yield stack
    finally:
        try:
            stack.down()
        except StaleEndpoint:
            if not stack.only_stale_networks_left():
                raise
            print(f"\n[compose] {stack.project}: the engine kept a stale endpoint; the next run removes the network")
