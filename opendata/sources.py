"""The open datasets GetHelp imports, with the licence and attribution each asks for."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    short_name: str
    homepage: str
    licence: str
    licence_url: str
    attribution: str
    department: str  # the department its contacts reach
    notice: str = ""  # the copyright notice its licence asks us to keep

    @property
    def licence_text(self):
        """The licence's full text where it must travel with the data (MIT), else ""."""
        return f"{self.notice}\n\n{MIT_PERMISSION}" if self.licence == "MIT" else ""


MIT_PERMISSION = """Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR
THE USE OR OTHER DEALINGS IN THE SOFTWARE."""

SOURCES = {
    source.key: source
    for source in (
        Source(
            key="datenanfragen",
            name="Datenanfragen.de company database",
            short_name="the Datenanfragen.de database",
            homepage="https://github.com/datenanfragen/data",
            licence="CC0 1.0",
            licence_url="https://creativecommons.org/publicdomain/zero/1.0/",
            attribution="Contains data from the Datenanfragen.de company database "
            "(Datenanfragen.de e. V. and contributors), released under CC0 1.0.",
            department="privacy",
        ),
        Source(
            key="jdm",
            name="justdelete.me",
            short_name="justdelete.me",
            homepage="https://github.com/jdm-contrib/jdm",
            licence="MIT",
            licence_url="https://github.com/jdm-contrib/jdm/blob/master/LICENSE.md",
            attribution="Contains data from justdelete.me, copyright (c) 2013 Robb Lewis & various contributors, "
            "used under the MIT licence (below).",
            department="accounts",
            notice="Copyright (c) 2013 Robb Lewis & various contributors",
        ),
        Source(
            key="twofactorauth",
            name="2factorauth directory",
            short_name="the 2factorauth directory",
            homepage="https://github.com/2factorauth/twofactorauth",
            licence="MIT",
            licence_url="https://github.com/2factorauth/twofactorauth/blob/master/LICENSE",
            attribution="Contains data from the 2factorauth directory, copyright (c) 2014-2018 Josh Davis, "
            "used under the MIT licence (below).",
            department="tech_support",
            notice="Copyright (c) 2014-2018 Josh Davis",
        ),
    )
}
