"""The one error type of the text basics."""


class FormatError(ValueError):
    """A value that is not written the way its kind must be (an ID number with a wrong
    check character, an amount without a number …); ``str(error)`` is a Chinese
    sentence meant for the user as it is."""
