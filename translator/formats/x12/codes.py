"""X12 code values used by envelope validation and the 997 (X12 004010 code lists).

Only codes, no logic: the reader records them on the transaction sets and groups it parsed,
and :mod:`.ack997` writes them into AK3/AK4/AK5/AK9 unchanged.
"""

from __future__ import annotations

# AK304: segment syntax error code (X12 data element 720).
SEG_UNRECOGNIZED = "1"          # Unrecognized segment ID
SEG_UNEXPECTED = "2"            # Unexpected segment
SEG_MANDATORY_MISSING = "3"     # Mandatory segment missing
SEG_LOOP_OVER_MAX = "4"         # Loop occurs over maximum times
SEG_OVER_MAX_USE = "5"          # Segment exceeds maximum use
SEG_NOT_IN_SET = "6"            # Segment not in defined transaction set
SEG_OUT_OF_SEQUENCE = "7"       # Segment not in proper sequence
SEG_HAS_ELEMENT_ERRORS = "8"    # Segment has data element errors

# AK403: data element syntax error code (X12 data element 723).
ELEM_MANDATORY_MISSING = "1"
ELEM_CONDITIONAL_MISSING = "2"
ELEM_TOO_MANY = "3"
ELEM_TOO_SHORT = "4"
ELEM_TOO_LONG = "5"
ELEM_INVALID_CHARACTER = "6"
ELEM_INVALID_CODE = "7"
ELEM_INVALID_DATE = "8"
ELEM_INVALID_TIME = "9"
ELEM_EXCLUSION_VIOLATED = "10"

# AK502..AK506: transaction set syntax error code (X12 data element 718).
SET_NOT_SUPPORTED = "1"
SET_TRAILER_MISSING = "2"
SET_CONTROL_MISMATCH = "3"      # ST02 and SE02 differ
SET_COUNT_MISMATCH = "4"        # SE01 differs from the segments counted
SET_SEGMENTS_IN_ERROR = "5"
SET_BAD_IDENTIFIER = "6"        # ST01 missing or invalid
SET_BAD_CONTROL_NUMBER = "7"    # ST02 missing or invalid
SET_CONTROL_NOT_UNIQUE = "23"   # ST02 repeated within the functional group

# AK901 / AK501: acknowledgement codes (X12 data elements 715 and 717).
ACCEPTED = "A"
ACCEPTED_WITH_ERRORS = "E"
PARTIALLY_ACCEPTED = "P"
REJECTED = "R"

# AK905..AK909: functional group syntax error code (X12 data element 716).
GROUP_NOT_SUPPORTED = "1"
GROUP_VERSION_NOT_SUPPORTED = "2"
GROUP_TRAILER_MISSING = "3"
GROUP_CONTROL_MISMATCH = "4"    # GS06 and GE02 differ
GROUP_COUNT_MISMATCH = "5"      # GE01 differs from the sets counted
GROUP_BAD_CONTROL_NUMBER = "6"
GROUP_CONTROL_NOT_UNIQUE = "19"

# Functional identifier (GS01) for the transaction sets this product exchanges.
FUNCTIONAL_IDS: dict[str, str] = {
    "850": "PO", "855": "PR", "856": "SH", "810": "IN", "846": "IB", "214": "QM", "997": "FA",
    "860": "PC", "865": "CA", "753": "GF", "754": "RG", "812": "CD", "820": "RA", "864": "TX",
}
