"""A client written for the original FastAPI service (Python httpx), run against this server.

It speaks only the original's paths, parameters and shapes. Usage:
    python3 tests/rest/original_client.py http://localhost:3000
against a server holding the 100 songs of shared/acceptance/spotify_top_100_20241119.csv
(tests/rest/original-client.ts starts one and runs this). Exits non-zero on the first mismatch.
"""

import os
import sys
import uuid

import httpx


def main(base_url: str) -> None:
    # Writes need a credential here (the original had none): the one change a client makes is
    # configuration, a default header, not code.
    key = os.environ.get("SONGS_API_KEY")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with httpx.Client(base_url=base_url, timeout=10, headers=headers) as client:
        assert client.get("/ping").json() == {"ping": "pong!"}

        # The original's three acceptance tests.
        page = client.get("/v1/songs").json()
        assert (page["limit"], page["offset"], page["total"]) == (50, 0, 100), page
        assert len(page["items"]) == 50
        oldest = client.get("/v1/songs", params={"order_by": "released_on", "limit": 1}).json()
        assert (oldest["items"][0]["name"], oldest["items"][0]["artist"]) == ("Bohemian Rhapsody", "Queen")
        dua = client.get("/v1/songs", params={"artist__ilike": "%dua lipa%"}).json()
        assert dua["total"] == 5, dua

        # fastapi-filter parameters, as the original's users send them.
        top = client.get("/v1/songs", params={"order_by": "-streams,name", "limit": 3}).json()
        streams = [item["streams"] for item in top["items"]]
        assert streams == sorted(streams, reverse=True), streams
        window = client.get(
            "/v1/songs",
            params={"released_on__gte": "2019-01-01", "released_on__lte": "2019-12-31", "streams__gte": 2},
        ).json()
        for item in window["items"]:
            assert item["released_on"].startswith("2019-") and item["streams"] >= 2, item
        assert set(page["items"][0]) == {"id", "name", "artist", "streams", "released_on", "created_at"}

        # Create, read, update.
        name = f"httpx client {uuid.uuid4()}"
        created = client.post(
            "/v1/songs", json={"name": name, "artist": "Python", "streams": 1.5, "released_on": "2024-11-19"}
        )
        created.raise_for_status()
        song = created.json()
        assert song["name"] == name and song["released_on"] == "2024-11-19" and "created_at" in song
        read = client.get(f"/v1/songs/{song['id']}").json()
        assert read == {key: song[key] for key in ("id", "name", "artist", "streams", "released_on")}, read
        patched = client.patch(f"/v1/songs/{song['id']}", json={"streams": 2.5})
        patched.raise_for_status()
        assert patched.json()["streams"] == 2.5

        # Errors in FastAPI's shapes.
        missing = client.get(f"/v1/songs/{uuid.uuid4()}")
        assert missing.status_code == 404 and missing.json() == {"detail": "Item not found"}
        invalid = client.get("/v1/songs", params={"limit": 0})
        assert invalid.status_code == 422
        assert invalid.json()["detail"][0]["loc"] == ["query", "limit"], invalid.json()

        # Not in the original (it had no DELETE): tidy up.
        assert client.delete(f"/v1/songs/{song['id']}").status_code == 204
    print("original client: all checks passed")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://localhost:3000")
