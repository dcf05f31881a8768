"""The Airbyte CDK's standard source suite, as every connector here runs it: against its sandbox, with
the image tests (which need a Docker engine) switched off. A test module sets `connector_root` and
`source_class`, and writes the sandbox configs its ``acceptance-test-config.yml`` names."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from airbyte_cdk.test.models import ConnectorTestScenario
from airbyte_cdk.test.standard_tests import SourceTestSuiteBase


class SandboxStandardSuite(SourceTestSuiteBase):
    connector_root: ClassVar[Path]
    source_class: ClassVar[type[Any]]

    # The image tests build a Docker image; there is no Docker engine here (see airbyte-toolkit.md).
    test_docker_image_build_and_spec = None
    test_docker_image_spec_backward_compatibility = None
    test_docker_image_build_and_check = None
    test_docker_image_build_and_config_matches_spec = None
    test_docker_image_build_and_discover = None
    test_docker_image_build_and_read = None

    @classmethod
    def get_connector_root_dir(cls) -> Path:
        return cls.connector_root

    @classmethod
    def create_connector(cls, scenario: ConnectorTestScenario | None) -> Any:
        config = (
            scenario.get_config_dict(connector_root=cls.connector_root, empty_if_missing=True)
            if scenario
            else {}
        )
        return cls.source_class(config=config)
