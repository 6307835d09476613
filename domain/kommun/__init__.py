"""The kommun's context: arbetsmarknadsenheten (AME), socialtjänsten, SYV."""
