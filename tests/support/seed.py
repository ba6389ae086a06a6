"""Names in the bundled content that tests refer to."""

# The seed article's slug: the bundled content holds other articles beside it.
SEED_ARTICLE = "open-source-vs-closed-models"
