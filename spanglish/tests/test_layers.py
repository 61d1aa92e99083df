"""Relations point down, like imports. import-linter (`.importlinter`) cannot see a
string relation such as "tickets.Ticket", nor a migration's dependencies, so these
tests read the same layers and check the models and the migration graph."""

import configparser
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent.parent

# Migrations that shipped before the apps were layered (0.1.0 and 0.2.0). Deployed
# databases have applied them, so their dependencies stay as written; the migrations
# that followed them moved the relations down. No migration may be added to this list.
SHIPPED_BEFORE_LAYERING = {
    ("emails", "0001_initial"),
    ("media", "0002_event_role_variants"),
    ("payments", "0001_initial"),
    ("payments", "0003_payment_pass_purchase"),
}
# The one ordering edge the move itself needs: media may drop its old gallery column
# only after events copied it into EventImage (events.0004 runs before media.0003).
MOVING_A_RELATION_DOWN = {("media", "0003_remove_media_event")}


def _ranks() -> dict[str, int]:
    """App label → level, 0 at the bottom; apps on one line share a level."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = [
        line.strip()
        for line in config["importlinter:contract:layers"]["layers"].splitlines()
        if line.strip()
    ]
    ranks = {}
    for level, line in enumerate(reversed(layers)):
        for name in line.split("|"):
            ranks[name.strip()] = level
    return ranks


def _points_up(ranks: dict[str, int], source: str, target: str) -> bool:
    if source == target or source not in ranks or target not in ranks:
        return False  # the same app, or Django's and libraries' apps (below ours)
    return ranks[target] >= ranks[source]


def test_the_layers_name_every_app_of_ours():
    ours = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }
    assert ours <= set(_ranks())


def test_no_model_relation_points_up():
    ranks = _ranks()
    upward = [
        f"{model._meta.label}.{field.name} → {field.related_model._meta.label}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is not None
        and _points_up(
            ranks, model._meta.app_label, field.related_model._meta.app_label
        )
    ]
    assert upward == []


def test_no_migration_depends_on_an_app_above_it():
    ranks = _ranks()
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    allowed = SHIPPED_BEFORE_LAYERING | MOVING_A_RELATION_DOWN
    # The graph's parents include `run_before` edges, not only `dependencies`.
    upward = [
        f"{key[0]}.{key[1]} → {parent.key[0]}.{parent.key[1]}"
        for key, node in graph.node_map.items()
        if key not in allowed
        for parent in node.parents
        if _points_up(ranks, key[0], parent.key[0])
    ]
    assert upward == []
