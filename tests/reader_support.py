"""A long article of our own (taller than any test terminal), stored and analysed in a real
database file, for Pilot tests of the reader at several sizes."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsmark.store import open_db

SIZES = [(80, 24), (140, 45)]
TITLE = "Harbour council votes to close the old ferry pier"

# Paragraphs with quotes (interrupted ones too), a photo caption and an image credit
# between blank lines, a paraphrase, and one long title.
LONG_ARTICLE = """\
Harbour council votes to close the old ferry pier after the winter storms left it unsafe for walkers, anglers, \
boats and the ferry crews alike

Photo: The old ferry pier at dawn, seen from the harbour wall. Credit: Harbour Gazette

"We cannot keep patching a structure that the sea has already decided to take," Mayor Elena Marsh told the \
council on Tuesday evening. "Every repair we make lasts a season, and then we are back here with a bigger bill."

The vote, seven to two, ends a century of crossings from the pier. The ferry company said it would move its \
boats to the new terminal at Gull Point by the end of March, and that fares would not change.

Councillor David Okafor, who voted against the closure, said the town was giving up too easily. "This pier is \
why half of these families came here in the first place," he said. "Close it, and you close a piece of the \
town's memory."

Engineers from the county found cracks in four of the nine supporting columns last month. According to their \
report, the deck could fail under a crowd of fifty people. The county engineer, Priya Raman, said the damage \
was worse than anyone had expected.

"I have inspected piers up and down this coast for twenty years," Raman said. "I would not let my own children \
stand on that one."

Image source: County engineering report, figure 3

"The money is simply not there," the council's treasurer wrote in a note to members. She added that a full \
rebuild would cost more than the town spends on roads in five years.

Local fishermen were divided. Tom Reyes, who has kept a boat at the pier since 1998, said he understood the \
decision but feared for the cafes and shops along the front. "People come for the pier," Reyes said. "They \
stay for the chips and the view. Take the pier away and see how long the chips last."

Others were more hopeful. A spokesperson for the Gull Point terminal said the new berths were "ready, safe and \
a good deal warmer", and promised a shuttle bus from the old town every twenty minutes.

Marsh said the council would hold a public meeting next month to decide what should happen to the site. \
"Nothing is off the table," she said. "A park, a sea wall, a new pier one day. But not this pier, and not \
this winter."

Not everyone at the meeting agreed with the figures. Ruth Abadi, who chairs the harbour trust, said the \
trust had offered to raise half the cost of a repair. "We asked for six months to find the money," Abadi \
said. "We were given six minutes to make our case."

The council's leader, Simon Hale, said the offer had been considered in full. He told reporters after the \
vote that no bank would lend against a structure the county had declared unsafe, and that the trust's \
pledges fell well short of the engineers' estimate.

"I understand the anger," Hale said. "I grew up fishing off that pier with my father. But I will not be the \
man who kept it open the winter it fell into the sea."

Shop owners on the front have written to the council asking for help with the months of lost trade. The \
letter, signed by forty businesses, asks for a cut in business rates until the site reopens in some form, \
and for signs on the coast road pointing visitors to the cafes that remain.

Caption: Ruth Abadi of the harbour trust speaks to reporters outside the town hall on Tuesday.

The trust was founded in 1974, when an earlier council proposed to sell the pier to a developer who wanted \
to build flats at its landward end. Its members, most of them retired, have painted the railings every \
spring since then and raised money for the lights that run along the deck. "We are not sentimental people," \
said Margaret Doyle, the trust's oldest member, who is ninety-one. "We are practical people who happen to \
love a pier."

Historians say the first pier on the site was built of timber in 1887 to take cattle and coal to the \
islands. It burned down in 1911 and was rebuilt in iron and concrete two years later, with money raised by \
the fishing families who still make up much of the harbour's population. The ferry service began in 1923 \
and has run without a break except for two years during the war, when the navy took over the berths.

Dr Samuel Tan, a lecturer in coastal engineering at the regional university, said the decision was \
unsurprising. "Concrete from that period was never meant to last a hundred years in salt water," Tan said. \
"The surprise is not that it failed. The surprise is that it lasted this long." He added that modern piers \
are designed to be repaired section by section, so that a storm need not close the whole structure.

The county has offered to pay for the demolition from its coastal defence budget, which would spare the \
town the largest part of the bill. A county spokesperson said the offer depended on work starting before \
the spring tides, when the risk to boats in the harbour would be greatest.

Parents at the primary school on Quay Street have asked whether children will be allowed to watch the \
demolition from a safe distance. The head teacher, Anna Kowalski, said the school would like to turn the \
last days of the pier into a lesson. "They should see how a town decides things," she said, "even the \
hard things."

Ferry passengers, meanwhile, face longer journeys. The walk from the railway station to Gull Point takes \
twenty-five minutes, against five to the old pier, and the shuttle bus will not run after seven in the \
evening. Commuters to the islands said they would have to leave earlier and come home later.

"It adds an hour to my day," said Leah Morgan, a nurse who crosses to the island hospital four days a week. \
"I'm not angry about the pier. I'm angry that nobody thought about the people who actually use the ferry."

The demolition is expected to start in April and to take about six weeks. Walkers are asked to keep away from \
the fenced area until then.
"""


def copy_of(path: Path, folder: Path) -> Path:
    """A private copy of a database file, for one test to change."""
    copy = folder / path.name
    shutil.copyfile(path, copy)
    return copy


def make_long_article_db(folder: Path, nlp) -> Path:
    """A closed database file holding LONG_ARTICLE (as harbour.txt), analysed by `nlp`."""
    from newsmark.nlp.batch import analyze_articles
    from newsmark.store.articles import unanalyzed_article_ids
    from newsmark.store.ingest import ingest_paths

    source = folder / "harbour.txt"
    source.write_text(LONG_ARTICLE, encoding="utf-8")
    path = folder / "long.db"
    db = open_db(path)
    assert len(ingest_paths(db, [source]).added) == 1
    assert analyze_articles(db, nlp, unanalyzed_article_ids(db)) == 1
    db.conn.close()
    return path
