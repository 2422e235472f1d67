"""The reference answers of lab ``autoencoders-keras``: the seed's own solutions (seed 004).

Source text, never imported by the notebooks' build (``build/notebooks.py`` reads the string
constants with ``ast``): each ``SOLUTION_<item>`` is the seed's code cell of that exercise,
verbatim (its trailing spaces written ``\\x20``), each ``ANSWER_<item>`` the seed's Greek
observations of that exercise, joined into the one prose cell the template has for it (the
seed's lead-in line, the observation after training, the line that introduces the
reconstructions and the observation on them, in the seed's order).

What each answer changes with respect to the lab's base network (``notebooks.BASE_*``):

- 2.1: the activations swapped: ``Dense(dim_h, 'sigmoid')`` then ``Dense(dim_x, 'relu')``;
- 2.2: the same activation in both layers (relu, relu);
- 3.1: the L1 activity penalty of the code layer raised 100 times, 1e-4 -> 0.01;
- 4.1: the noise factor doubled, 0.3 -> 0.6 (noisy arrays clipped to [0, 1] as in the lab);
- 5.1: the decoder's layers sigmoid instead of relu.
"""

SOLUTION_2_1 = """dim_x = 28*28
dim_h = 32

autoencoder = Sequential([
    Dense(dim_h, activation='sigmoid', input_shape=(dim_x,)),
    Dense(dim_x, activation='relu')
])


autoencoder.compile(optimizer='adam', loss='binary_crossentropy')

autoencoder.fit(x_train, x_train,
                epochs=20,
                batch_size=64,
                shuffle=True,
                validation_data=(x_test, x_test))"""

ANSWER_2_1 = """Παρατηρούμε ότι αντιστρέφοντας τις συναρτήσεις ενεργοποίησης (χρησιμοποιώντας σιγμοειδή στον κωδικοποιητή αντί του αποκωδικοποιητή και relu στον αποκωδικοποιητή αντί του κωδικοποιητή) τα σφάλματα εκπαίδευσης και επαλήθευσης είναι αρκετά πιο μεγάλα σε σύγκριση με τα αντίστοιχα που είχαμε επιτύχει στο εργαστήριο (γύρω στο $0.40$ αντί του $0.09$).

Ας εξετάσουμε τι επίδραση έχει στην ποιότητα των αναδημιουργημένων εικόνων.

Παρατηρούμε ότι σε σύγκριση με τις αντίστοιχες εικόνες του υποπλήρη αυτοκωδικοποιητή του εργαστηρίου, εδώ η ποιότητα έχει σαφώς χειροτερεύσει (εισαγωγή artifacts κλπ). Συνεπώς οι παράμετροι και των δύο δικτύων παίζουν πολύ μεγάλο ρόλο στη συνολική απόδοση του αυτοκωδικοποιητή."""

SOLUTION_2_2 = """autoencoder = Sequential([
    Dense(dim_h, activation='relu', input_shape=(dim_x,)),
    Dense(dim_x, activation='relu')
])


autoencoder.compile(optimizer='adam', loss='binary_crossentropy')

autoencoder.fit(x_train, x_train,
                epochs=20,
                batch_size=64,
                shuffle=True,
                validation_data=(x_test, x_test))"""

ANSWER_2_2 = """Παρατηρούμε πως και σε αυτή την περίπτωση το σφάλμα εκπαίδευσης είναι μεγαλύτερο από τον υποπλήρη αυτοκωδικοποιητή που δείξαμε στο εργαστήριο (περίπου το διπλάσιο). Έτσι όπως είναι σχεδιασμένο το δίκτυο, δεν υπάρχει κάποιος μηχανισμός που να το αποτρέπει από το να αντιγράφει την είσοδό του στην έξοδό του, με αποτέλεσμα να μην αποτυπώνει τα χαρακτηριστικά της εισόδου του στον λανθάνοντα χώρο, σε ικανοποιητικό βαθμό.

Όπως και στην προηγούμενη περίπτωση, ας εξετάσουμε την επίδραση του δικτύου στις αναδημιουργούμενες εικόνες.

Και σε αυτή την περίπτωση, η ποιότητα έχει σαφώς χειροτερεύσει (θόλωμα, artifacts κλπ). Συνεπώς, είναι σημαντικό να σχεδιάζουμε δίκτυα αυτοκωδικοποίησης που μπορούν να μαθαίνουν τα χαρακτηριστικά της εισόδου τους."""

SOLUTION_3_1 = """sparse_autoencoder = Sequential([
    Dense(dim_h, activation='relu',\x20
          activity_regularizer=regularizers.l1(0.01),\x20
          input_shape=(dim_x,)),
    Dense(dim_x, activation='sigmoid')
])


sparse_autoencoder.compile(optimizer='adam', loss='binary_crossentropy')

sparse_autoencoder.fit(x_train, x_train,
                epochs=30,
                batch_size=64,
                shuffle=True,
                validation_data=(x_test, x_test))"""

ANSWER_3_1 = """Ας αυξήσουμε το βάρος της ποινής αραιότητας κατά 100, δηλαδή επιλέγοντας $\\lambda=0.01$

Παρατηρούμε πως τα σφάλματα εκπαίδευσης και ελέγχου, ενώ αρχικά μειώνονται, πολύ γρήγορα σταθεροποιούνται σε μια σχετικά μεγάλη τιμή (τουλάχιστον διπλάσια από την αντίστοιχη που είχαμε πετύχει στο εργαστήριο), δείγμα του ότι η εκπαίδευση "κολλάει" σε κάποια τοπικά βέλτιστη λύση.

Στη συνέχεια θα εξετάσουμε την επίδραση του δικτύου στις αναδημιουργούμενες εικόνες.

Παρατηρούμε ότι η ποιότητα των εικόνων είναι πάρα πολύ κακή (μια θολή μουντζούρα, ίδια για όλα τα ψηφία). Συνεπώς, αν δεν επιλεγεί ορθά το εύρος της ποινής αραιότητας, βλέπουμε πως όχι μόνο δεν βελτιώνεται η απόδοση του δικτύου, αλλά αντίθετα χειροτερεύει."""

SOLUTION_4_1 = """noise_factor = 0.6
x_train_noisy = x_train + noise_factor * np.random.normal(loc=0.0, scale=1.0,\x20
                                                          size=x_train.shape)\x20
x_test_noisy = x_test + noise_factor * np.random.normal(loc=0.0, scale=1.0,\x20
                                                        size=x_test.shape)\x20

x_train_noisy = np.clip(x_train_noisy, 0., 1.)
x_test_noisy = np.clip(x_test_noisy, 0., 1.)

noisy_autoencoder = Sequential([
    Dense(dim_h, activation='relu', input_shape=(dim_x,)),
    Dense(dim_x, activation='sigmoid')
])


noisy_autoencoder.compile(optimizer='adam', loss='binary_crossentropy')

noisy_autoencoder.fit(x_train_noisy, x_train,
                epochs=30,
                batch_size=64,
                shuffle=True,
                validation_data=(x_test, x_test))"""

ANSWER_4_1 = """Ας διπλασιάσουμε τον συντελεστή θορύβου στο $0.6$

Παρατηρούμε ότι τα σφάλματα εκπαίδευσης και επαλήθευσης είναι ελαφρώς χειρότερα σε σύγκριση με τις τιμές που παρατηρήθηκαν στο εργαστήριο, παρά τον διπλασιασμό του συντελεστή θορύβου.

Για να δούμε και την επίδρασή του στις παραγόμενες εικόνες.

Παρότι ο θόρυβος που προστέθηκε ήταν πολύς σε ποσότητα, κάνοντας τα ψηφία σχεδόν μη-αναγνωρίσιμα στο ανθρώπινο μάτι, εντούτοις ο αποκωδικοποιητής απαλοιφής θορύβου κατόρθωσε να τα ανακτήσει σε πολύ ικανοποιητικό βαθμό (είναι μοναχά λίγο πιο θολά από τα αντίστοιχα του αυτοκωδικοποιητή απαλοιφής θορύβου που δείξαμε στο εργαστήριο)."""

SOLUTION_5_1 = """layer1_dim = 128
layer2_dim = 64

deep_autoencoder = Sequential([
    Dense(layer1_dim, activation='relu', input_shape=(dim_x,)),
    Dense(layer2_dim, activation='relu'),
    Dense(dim_h, activation='relu'),
\x20\x20\x20\x20
    Dense(layer2_dim, activation='sigmoid'),
    Dense(layer1_dim, activation='sigmoid'),
    Dense(dim_x, activation='sigmoid')
])


deep_autoencoder.compile(optimizer='adam', loss='binary_crossentropy')

deep_autoencoder.fit(x_train, x_train,
                epochs=30,
                batch_size=64,
                shuffle=True,
                validation_data=(x_test, x_test))"""

ANSWER_5_1 = """Θα αντικαταστήσουμε τις ημιγραμμικές συναρτήσεις ενεργοποίησης του επιπέδου αποκωδικοποίησης με σιγμοειδείς.\x20

Τα σφάλματα εκπαίδευσης και ελέγχου είναι ελαφρώς χειρότερα σε αυτή την περίπτωση. Ας δούμε και τις παραγόμενες εικόνες

Οι διαφορές είναι πολύ μικρές σε σύγκριση με το αντίστοιχο δίκτυο που δείξαμε στο εργαστήριο. Ωστόσο παρατηρούμε πως ορισμένα ψηφία είναι λίγο περισσότερο θολά."""

