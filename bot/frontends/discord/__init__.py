"""The Discord front end: renders core answers as embeds, nothing more."""
