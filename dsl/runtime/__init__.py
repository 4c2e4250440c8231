"""The small library compiled policies call: dates, formatting, values and the trace."""
