"""Amazon S3: buckets in regions, objects streamed to the blob store, metadata in SQLite."""
