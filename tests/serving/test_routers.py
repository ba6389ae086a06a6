"""The read-replica router: anonymous page reads may go to the replica, nothing else does."""

from kb.catalogue.models import Article
from kb.serving.routers import ReplicaRouter, replica_reads


def test_reads_go_to_the_primary_outside_anonymous_page_requests():
    assert ReplicaRouter().db_for_read(Article) == "default"


def test_anonymous_page_reads_go_to_the_replica():
    with replica_reads():
        assert ReplicaRouter().db_for_read(Article) == "replica"
    assert ReplicaRouter().db_for_read(Article) == "default"


def test_writes_and_migrations_go_to_the_primary_only():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("default", "kb")
    assert not router.allow_migrate("replica", "kb")
