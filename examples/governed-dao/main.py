"""An ASGI app whose upgrades a DAO approves by checksum (`@checksum` in program.toml)."""
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"message": "hello from a DAO-governed program", "version": 1}
