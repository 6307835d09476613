"""The region service (hälso- och sjukvård): sjukskrivning, rehabilitering, SIP."""
