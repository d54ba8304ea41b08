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
            attribution="Contains data from justdelete.me (jdm-contrib and contributors), under the MIT licence: "
            "the copyright notice and permission notice are kept in the dataset's LICENSE.",
            department="accounts",
        ),
        Source(
            key="twofactorauth",
            name="2factorauth directory",
            short_name="the 2factorauth directory",
            homepage="https://github.com/2factorauth/twofactorauth",
            licence="MIT",
            licence_url="https://github.com/2factorauth/twofactorauth/blob/master/LICENSE",
            attribution="Contains data from the 2factorauth directory (2factorauth and contributors), under the "
            "MIT licence: the copyright notice and permission notice are kept in the dataset's LICENSE.",
            department="tech_support",
        ),
    )
}
