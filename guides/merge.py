"""Three-way merges of guide content, as in diff3 and MediaWiki's edit conflicts.

Two versions that both started from a common base are merged by applying each
side's changes to the base. Changes to different lines (paragraphs are lines
separated by blank ones) merge on their own; changes to the same or touching
lines are a conflict unless both sides made the same change. Other fields (title,
difficulty, minutes, channels) merge the same way, a field at a time.
"""

import difflib
from dataclasses import dataclass, field

MINE_MARK = "<<<<<<< your version"
SPLIT_MARK = "======="
THEIRS_MARK = ">>>>>>> the published version"


@dataclass
class Merge:
    content: dict
    conflicts: list = field(default_factory=list)  # field names with overlapping changes

    @property
    def clean(self):
        return not self.conflicts


def _hunks(base, other, side):
    """(base start, base end, replacement lines, side) for each change from base to other."""
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, other[j1:j2], side) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def _apply(base, start, end, hunks):
    """base[start:end] with `hunks` (all inside that range) applied."""
    out, at = [], start
    for h_start, h_end, lines, _ in sorted(hunks, key=lambda h: (h[0], h[1])):
        out.extend(base[at:h_start])
        out.extend(lines)
        at = h_end
    out.extend(base[at:end])
    return out


def merge_lines(base, mine, theirs):
    """(merged lines, has conflict): both sides' changes applied to base; conflicts keep both, marked."""
    hunks = sorted(_hunks(base, mine, "mine") + _hunks(base, theirs, "theirs"), key=lambda h: (h[0], h[1]))
    merged, at, conflict = [], 0, False
    index = 0
    while index < len(hunks):
        group = [hunks[index]]
        start, end = hunks[index][0], hunks[index][1]
        index += 1
        # Changes that overlap or touch the group's base lines belong to it.
        while index < len(hunks) and hunks[index][0] <= end:
            group.append(hunks[index])
            end = max(end, hunks[index][1])
            index += 1
        merged.extend(base[at:start])
        at = end
        sides = {h[3] for h in group}
        if len(sides) == 1:
            merged.extend(_apply(base, start, end, group))
            continue
        ours = _apply(base, start, end, [h for h in group if h[3] == "mine"])
        others = _apply(base, start, end, [h for h in group if h[3] == "theirs"])
        if ours == others:
            merged.extend(ours)
        else:
            conflict = True
            merged.extend([MINE_MARK, *ours, SPLIT_MARK, *others, THEIRS_MARK])
    merged.extend(base[at:])
    return merged, conflict


def merge_text(base, mine, theirs):
    """(merged text, has conflict) of three versions of a text, line by line."""
    if mine == theirs or theirs == base:
        return mine, False
    if mine == base:
        return theirs, False
    lines, conflict = merge_lines(base.splitlines(), mine.splitlines(), theirs.splitlines())
    return "\n".join(lines), conflict


def merge_content(base, mine, theirs):
    """Merges two guide contents (dicts of the same fields) that both started from `base`.

    Text fields merge line by line; any other field takes the side that changed it,
    and is a conflict when both changed it differently (mine is kept in the draft).
    """
    result = Merge(content={})
    for name in mine:
        old, ours, others = base.get(name), mine[name], theirs.get(name)
        if name == "body":
            result.content[name], conflict = merge_text(old or "", ours or "", others or "")
        elif name == "channel_ids":
            # Sets: a channel either side added is kept, one either side removed is dropped.
            old, ours, others = set(old or []), set(ours or []), set(others or [])
            result.content[name], conflict = sorted((ours | others) - ((old - ours) | (old - others))), False
        else:
            conflict = ours != others and old not in (ours, others)
            result.content[name] = others if ours == old else ours
        if conflict:
            result.conflicts.append(name)
    return result
