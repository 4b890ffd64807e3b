"""An error in a button's or a form's callback goes to the bot's one handler: the member gets
a short private reply (not Discord's "This interaction failed") and the log one error naming
where it happened."""

import importlib
import inspect
import pkgutil

import discord

import bot.adapter
from bot.adapter.tree import UNEXPECTED
from bot.adapter.ui_errors import BotModal, BotView
from tests.adapter.test_suggestions import press, review
from tests.suggestion_world import ANA, C, running, suggest


def broken(*_args, **_kwargs):
    raise RuntimeError("the disk went away")


def one_error_naming(fd, where: str) -> None:
    [error] = fd.take_errors()
    assert error.startswith(f"bot.adapter.ui_errors: {where}") and "the disk went away" in error


async def test_a_persistent_buttons_error_gets_a_private_reply(tmp_path, make_bot, monkeypatch):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies, _ = await review(fd)
        monkeypatch.setattr(bot.services.suggestions, "decide", broken)
        failed = await press(fd, replies, "Accept")
        assert failed.ephemeral and failed.content == UNEXPECTED
        one_error_naming(fd, "button review:accept:d:grief-2:")


async def test_a_views_button_error_gets_a_private_reply(tmp_path, make_bot, monkeypatch):
    async with running(tmp_path, make_bot) as (bot, fd):
        await suggest(fd, ANA, "What is a place you love?")
        mine = await fd.slash("suggest mine", user_id=ANA, channel_id=C)
        monkeypatch.setattr(bot.services.suggestions, "withdraw", broken)
        failed = await press(fd, mine, "Withdraw 1", ANA)
        assert failed.ephemeral and failed.content == UNEXPECTED
        one_error_naming(fd, "button ")


async def test_a_forms_error_gets_a_private_reply(tmp_path, make_bot, monkeypatch):
    async with running(tmp_path, make_bot) as (bot, fd):
        monkeypatch.setattr(bot.services.suggestions, "suggest", broken)
        failed = await suggest(fd, ANA, "What is a place you love?")
        assert failed.ephemeral and failed.content == UNEXPECTED
        one_error_naming(fd, "form 'Suggest a discussion question'")


def adapter_classes():
    for info in pkgutil.walk_packages(bot.adapter.__path__, "bot.adapter."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == info.name:
                yield cls


def guarded(cls: type) -> bool:
    if issubclass(cls, discord.ui.Modal):
        return issubclass(cls, BotModal)
    if issubclass(cls, discord.ui.View):
        return issubclass(cls, BotView)
    if issubclass(cls, discord.ui.DynamicItem):
        return getattr(cls.callback, "answers_errors", False)
    return True


def test_every_view_form_and_persistent_button_uses_the_one_handler():
    assert [cls.__qualname__ for cls in adapter_classes() if not guarded(cls)] == []
