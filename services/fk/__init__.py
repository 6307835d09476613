"""The Försäkringskassan service: sjukpenning, aktivitetsersättning, kartläggning, avstämning."""
