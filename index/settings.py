"""One typed settings tree for the whole application (env prefix ``QA_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "BAAI/bge-small-zh-v1.5"


class Settings(BaseSettings):
    """Application settings, read from ``QA_*`` environment variables and ``.env``."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    index_dir: Path = Field(Path("data"), description="Folder holding Chroma, BM25 and the manifest.")
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="sentence-transformers model name or local folder; 'hash' forces the fallback.",
    )
    embedding_download: bool = Field(
        False, description="Allow fetching the embedding model from the model hub (else local cache/folder only)."
    )
    embedding_batch_size: int = Field(64, description="Texts per embedding batch.")
    paper_name: str = Field("嘉兴日报·平湖版", description="Newspaper name shown in citations.")
    chunk_size: int = Field(400, description="Target chunk length in characters.")
    chunk_max: int = Field(500, description="Hard upper bound of a chunk in characters.")
    top_k: int = Field(5, description="Passages given to the answer step by default.")
    candidates: int = Field(50, description="Candidates taken from each retriever before fusion.")
    dense_weight: float = Field(1.0, description="Weight of dense results against BM25 (a real embedding model).")
    fallback_dense_weight: float = Field(
        0.1, description="Weight of dense results against BM25 when the fallback embedder serves them."
    )
    window_weight: float = Field(
        0.2, description="Weight of the best two-sentence coverage of the question in a passage's score."
    )
    rerank_depth: int = Field(20, description="Fused candidates scored before the top k are kept.")
    min_coverage: float = Field(
        0.35, description="Share of the question's weighted words the best passage must hold to answer (tuned on the dev sets)."
    )
    host: str = Field("127.0.0.1", description="Host the web server binds to.")
    port: int = Field(7860, description="Port the web server listens on.")
