"""Dev-only helpers shared by the labs' notebook generators (``reference/<lab>/build/``); not in the wheel."""
