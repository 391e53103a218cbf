"""The articles related to one article (see `app.store.backends.related` for how they are found)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.query.listings import summaries_by_id
from app.query.schemas import ArticleList
from app.store.backends import backend_of
from app.store.tables import ARTICLE


def related_articles(*, session: Session, article_id: str, limit: int) -> ArticleList | None:
    """Up to `limit` articles most like this one, best first; None when there is no such article."""
    if session.execute(select(ARTICLE.c.id).where(ARTICLE.c.id == article_id)).first() is None:
        return None
    ids = backend_of(session).related(session, article_id, limit)
    return ArticleList(items=summaries_by_id(session, ids))
