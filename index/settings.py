"""Settings of the index: where it lives, how articles are chunked and embedded (env prefix ``QA_``).

The application's one ``Settings`` object (``qa.settings``) adds the sections for retrieval and answers,
the LLM and the web server; the index needs only these.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "BAAI/bge-small-zh-v1.5"
ENV = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")


class IndexSettings(BaseSettings):
    """The index folder or Chroma server, the embedding model, chunking and the paper's name."""

    model_config = ENV

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
    embedding_batch_size: int | None = Field(None, description="Texts per embedding batch (unset: 64 on a CPU, 512 on a GPU).")
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
