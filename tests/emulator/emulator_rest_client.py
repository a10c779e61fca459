"""A small REST client for the emulator's own tests."""

from typing import Any

import requests

from salesforce_emulator.testing import EmulatorHandle

VERSION = "62.0"


class Api:
    """A REST session against /services/data/vXX.X with a bearer token from the OAuth flow."""

    def __init__(self, handle: EmulatorHandle, token: dict[str, Any], version: str = VERSION) -> None:
        self.handle = handle
        self.token = token
        self.version = version
        self.http = handle.session()
        self.http.headers["Authorization"] = f"Bearer {token['access_token']}"

    def url(self, path: str, version: str | None = None) -> str:
        return f"{self.handle.base_url}/services/data/v{version or self.version}/{path}"

    def request(self, method: str, path: str, version: str | None = None, **kwargs: Any) -> requests.Response:
        return self.http.request(method, self.url(path, version), **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def create(self, sobject: str, **fields: Any) -> str:
        response = self.post(f"sobjects/{sobject}", fields)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def query(self, soql: str) -> dict[str, Any]:
        response = self.get("query", params={"q": soql})
        assert response.status_code == 200, response.text
        return response.json()
