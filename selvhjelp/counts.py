"""The one rule every published count follows, wherever it is shown."""

# Below this, a count is never shown exactly ("<5", "fewer than 5"): not on the
# offices' figures (figures.suppression), not on a contact point's public page.
SMALLEST_COUNT_SHOWN = 5
