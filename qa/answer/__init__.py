"""The answer path: plan (dates, follow-ups, retrieval), gate (answerable?), compose (extractive or LLM)."""

from qa.answer.model import NOT_FOUND, Answer, Citation, Plan, finish
from qa.answer.service import Answerer

__all__ = ["NOT_FOUND", "Answer", "Answerer", "Citation", "Plan", "finish"]
