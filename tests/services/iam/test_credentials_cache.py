"""IAM's per-store caches never serve one store's keys to another, even when the new store
object reuses the id (address) of a collected one (seen as a flaky STS test: two clouds with
the same seed issue the same access key ids)."""

from __future__ import annotations

from pathlib import Path

from pocketcloud.cloud import Cloud
from pocketcloud.config import Settings
from pocketcloud.services.iam import credentials
from pocketcloud.services.iam.schema import generation

KEY_ID = "ASIAEXAMPLESTALEKEY1"


def test_a_new_store_never_sees_another_stores_cached_keys(tmp_path: Path) -> None:
    old = Cloud(Settings(data_dir=tmp_path / "old"))
    new = Cloud(Settings(data_dir=tmp_path / "new"))
    try:
        stale = credentials._Cache(old.store)
        stale.generation = generation(new)
        stale.entries[KEY_ID] = credentials.Credential("111122223333", "arn:aws:iam::1:root",
                                                       "root", "secret")
        credentials._keys[id(new.store)] = stale  # as if `new` had old's address
        assert credentials.lookup_access_key(new, KEY_ID) is None
    finally:
        old.close()
        new.close()
