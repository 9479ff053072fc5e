"""An ASGI app whose upgrades take effect only after a delay (`@timelock` in program.toml)."""
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"message": "hello from a time-locked program", "version": 1}
