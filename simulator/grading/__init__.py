"""Evidence detectors, the offline and LLM graders, the debrief and calibration metrics."""
