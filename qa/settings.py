"""One typed settings tree for the whole application (env prefix ``QA_`` or ``.env``), in sections.

``Settings`` is one object with every setting as a field (``QA_LLM_BASE_URL`` is ``settings.llm_base_url``);
each section is its own class, so a part of the program can name the section it needs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

from index.settings import ENV, IndexSettings


class RetrievalSettings(BaseSettings):
    """Retrieval, fusion, rerank and the answerability gate."""

    model_config = ENV

    top_k: int = Field(5, description="Passages given to the answer step by default.")
    candidates: int = Field(50, description="Candidates taken from each retriever before fusion.")
    dense_weight: float = Field(0.7, description="Weight of dense results against BM25 (a real embedding model).")
    fallback_dense_weight: float = Field(
        0.1, description="Weight of dense results against BM25 when the fallback embedder serves them."
    )
    fusion_peak_damp: float = Field(
        0.25, description="Share of the dense weight taken away when BM25's best score stands alone (1 - second/best = 1)."
    )
    fusion_exact_damp: float = Field(
        1.0, description="Factor on the dense weight when a rare archive term or a number carries the question (1 = off)."
    )
    fusion_cover_gain: float = Field(
        1.0, description="Dense weight added, times the share of the question's weighted words that BM25's best chunk lacks."
    )
    window_weight: float = Field(
        0.2, description="Weight of the best two-sentence coverage of the question in a passage's score."
    )
    rerank_depth: int = Field(20, description="Fused candidates scored before the top k are kept.")
    rerank_model: str | None = Field(
        None, description="sentence-transformers CrossEncoder (name or folder) that reorders fused candidates; unset = off."
    )
    rerank_candidates: int = Field(30, description="Fused candidates the rerank model reorders.")
    min_coverage: float = Field(
        0.45, description="Share of the question's weighted words (rarer words weigh more) that the answering sentence, "
        "its neighbours and its article's title must hold; below it the answer is a refusal (tuned on the dev sets)."
    )
    today: date | None = Field(None, description="Date that 今年/去年/上个月/最近 are counted from (default: the real today).")


class LLMSettings(BaseSettings):
    """The optional OpenAI-compatible model behind the answer chain."""

    model_config = ENV

    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint (vLLM, Ollama, Xinference, LM Studio, DeepSeek, Qwen); unset = extractive answers."
    )
    llm_model: str = Field("qwen2.5-7b-instruct", description="Model name sent to the LLM endpoint.")
    llm_api_key: SecretStr = Field(SecretStr("not-needed"), description="API key for the LLM endpoint.")
    llm_timeout: float = Field(30.0, description="Seconds to wait for the LLM before answering extractively.")


class WebSettings(BaseSettings):
    """The web server, its access rules and feedback store."""

    model_config = ENV

    public_url: str | None = Field(
        None, description="The address readers reach the app at (https://archive.example/qa): absolute links use it."
    )
    trusted_proxy: bool = Field(
        False, description="Trust X-Forwarded-Host/-Proto for links (only behind a proxy that sets them); off = the Host header."
    )

    api_keys: SecretStr = Field(SecretStr(""), description="Comma-separated Bearer keys that /api and /v1 require; empty = open.")
    ui_auth: SecretStr = Field(SecretStr(""), description="user:password login for the chat page; empty = no login.")
    rate_limit: int = Field(0, description="Requests per minute per API key (or client IP) on /api and /v1; 0 = unlimited.")
    frame_ancestors: str = Field("'self'", description="CSP frame-ancestors: who may embed the pages in a frame.")
    cors_origins: str = Field("", description="Comma-separated origins allowed by CORS; empty = none.")
    feedback_db: Path | None = Field(None, description="SQLite file for 👍/👎 feedback (default: feedback.sqlite in the index folder).")
    host: str = Field("127.0.0.1", description="Host the web server binds to.")
    port: int = Field(7860, description="Port the web server listens on.")


class Settings(WebSettings, LLMSettings, RetrievalSettings, IndexSettings):
    """Every section in one object."""

    model_config = ENV
