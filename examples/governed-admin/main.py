"""A governed ASGI app (entry point `main:app`): only the admin in program.toml may upgrade it."""
from fastapi import FastAPI

from lib.score import score

app = FastAPI()


@app.get("/")
def root():
    return {"message": "hello from a governed program", "version": 1}


@app.get("/add/{a}/{b}")
def add(a: int, b: int):
    return {"sum": a + b, "score": score(a + b)}
