"""What the page teaches, written as data and small pure functions: the verdict on a run
(`verdict`), the classroom presets of the sidebar (`presets`) and the surfaces of "Your own cost"
(`cost_presets`). A teacher adds a preset by editing one of these files."""

from gdlab.teaching.cost_presets import PRESET_COSTS, PresetCost
from gdlab.teaching.presets import PRESETS, PRESETS_BY_KEY
from gdlab.teaching.verdict import Verdict, judge

__all__ = ["PRESETS", "PRESETS_BY_KEY", "PRESET_COSTS", "PresetCost", "Verdict", "judge"]
