"""What the SIC's write commands tell the apps above them, once the write is made.

Sent inside the command's transaction by `sic.services` only, so that what follows (the
indemnities of the work done) is written with the work or not at all, whichever page, API call
or task did it.
"""

from django.dispatch import Signal

# A contribution was submitted to the team. Arguments: contribution, by.
contribution_submitted = Signal()

# A member's presence at a held SIC was recorded or corrected. Arguments: attendance, by.
attendance_recorded = Signal()
