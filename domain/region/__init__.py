"""The region's context (hälso- och sjukvård): sjukskrivning, rehabilitering, SIP."""
