"""ipywidgets views over the workbook: one module per step, plus ``app`` (the stepper)."""
