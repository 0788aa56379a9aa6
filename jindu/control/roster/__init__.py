"""The county's roster of drug users in Excel: the import (``importer``) and the blank
template it reads (``template``)."""
