"""Log filters that keep health data out of the logs."""

import logging
import re

_QUERY = re.compile(r"(/[^\s\"?]*)\?[^\s\"]*")


class StripQueryStringFilter(logging.Filter):
    """Drop query strings from logged request lines: they may carry search terms."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = ()
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = _QUERY.sub(r"\1?…", record.msg)
        return True
