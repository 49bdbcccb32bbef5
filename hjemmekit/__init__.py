"""hjemmekit: a workbook for deciding on, organising and evaluating home working
in Danish state workplaces, following the state's guidance in five steps."""

__version__ = "0.1.0"
