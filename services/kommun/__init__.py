"""The kommun service: AME enrolment, kartläggning, insatser, försörjningsstöd, SIP."""
