"""The answer path: plan (dates, follow-ups, retrieval), gate (answerable?), compose (extractive or LLM)."""

from qa.answer.service import NOT_FOUND, Answer, Answerer, Citation, Plan, finish

__all__ = ["NOT_FOUND", "Answer", "Answerer", "Citation", "Plan", "finish"]
