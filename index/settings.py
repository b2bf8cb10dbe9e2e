"""One typed settings tree for the whole application (env prefix ``QA_``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "BAAI/bge-small-zh-v1.5"


class Settings(BaseSettings):
    """Application settings, read from ``QA_*`` environment variables and ``.env``."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    index_dir: Path = Field(Path("data"), description="Folder holding Chroma, BM25 and the manifest.")
    chroma_url: str | None = Field(
        None, description="Chroma server (`chroma run`) such as http://127.0.0.1:8000; unset = embedded store in the index folder."
    )
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="sentence-transformers model name or local folder; 'hash' forces the fallback.",
    )
    embedding_download: bool = Field(
        False, description="Allow fetching the embedding model from the model hub (else local cache/folder only)."
    )
    embedding_batch_size: int = Field(64, description="Texts per embedding batch.")
    embedding_device: str = Field("auto", description="Device for the embedding and rerank models: auto (CUDA, then MPS, else CPU), cpu, cuda, cuda:1, mps.")
    embedding_devices: str = Field(
        "", description="Comma-separated devices (cuda:0,cuda:1 or cpu,cpu) for multi-process encoding of large ingests; empty = one process."
    )
    query_prompt: str | None = Field(
        None, description="Text put before each question for the embedding model; unset = the model's own query prompt "
        "(e5: 'query: '), or bge-*-zh's retrieval instruction for folders that define none."
    )
    document_prompt: str | None = Field(
        None, description="Text put before each passage for the embedding model; unset = the model's own document prompt."
    )
    paper_name: str = Field("嘉兴日报·平湖版", description="Newspaper name shown in citations.")
    chunk_size: int = Field(400, description="Target chunk length in characters.")
    chunk_max: int = Field(500, description="Hard upper bound of a chunk in characters.")
    top_k: int = Field(5, description="Passages given to the answer step by default.")
    candidates: int = Field(50, description="Candidates taken from each retriever before fusion.")
    dense_weight: float = Field(1.0, description="Weight of dense results against BM25 (a real embedding model).")
    fallback_dense_weight: float = Field(
        0.1, description="Weight of dense results against BM25 when the fallback embedder serves them."
    )
    fusion_peak_damp: float = Field(
        0.5, description="Share of the dense weight taken away when BM25's best score stands alone (1 - second/best = 1)."
    )
    fusion_exact_damp: float = Field(
        0.6, description="Factor on the dense weight when a rare archive term or a number carries the question."
    )
    window_weight: float = Field(
        0.2, description="Weight of the best two-sentence coverage of the question in a passage's score."
    )
    rerank_depth: int = Field(20, description="Fused candidates scored before the top k are kept.")
    min_coverage: float = Field(
        0.45, description="Share of the question's weighted words (rarer words weigh more) that the answering sentence, "
        "its neighbours and its article's title must hold; below it the answer is a refusal (tuned on the dev sets)."
    )
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint (vLLM, Ollama, Xinference, LM Studio, DeepSeek, Qwen); unset = extractive answers."
    )
    llm_model: str = Field("qwen2.5-7b-instruct", description="Model name sent to the LLM endpoint.")
    llm_api_key: str = Field("not-needed", description="API key for the LLM endpoint.")
    llm_timeout: float = Field(30.0, description="Seconds to wait for the LLM before answering extractively.")
    rerank_model: str | None = Field(
        None, description="sentence-transformers CrossEncoder (name or folder) that reorders fused candidates; unset = off."
    )
    rerank_candidates: int = Field(30, description="Fused candidates the rerank model reorders.")
    today: date | None = Field(None, description="Date that 今年/去年/上个月/最近 are counted from (default: the real today).")
    api_keys: str = Field("", description="Comma-separated Bearer keys that /api and /v1 require; empty = open.")
    ui_auth: str = Field("", description="user:password login for the chat page; empty = no login.")
    rate_limit: int = Field(0, description="Requests per minute per API key (or client IP) on /api and /v1; 0 = unlimited.")
    frame_ancestors: str = Field("'self'", description="CSP frame-ancestors: who may embed the pages in a frame.")
    cors_origins: str = Field("", description="Comma-separated origins allowed by CORS; empty = none.")
    feedback_db: Path | None = Field(None, description="SQLite file for 👍/👎 feedback (default: feedback.sqlite in the index folder).")
    host: str = Field("127.0.0.1", description="Host the web server binds to.")
    port: int = Field(7860, description="Port the web server listens on.")
